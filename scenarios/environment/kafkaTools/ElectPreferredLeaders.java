// Runs a preferred-leader election on every partition of one topic through Kafka's own admin client
// (kafkajs has no ElectLeaders API), as operators do before a rolling restart. Prints one line per
// partition: "<partition> ok", "<partition> unchanged" (already led by its preferred replica) or
// "<partition> failed <reason>". Exit 0 when every partition is led by its preferred replica.
// Launched as a single source file: java -cp '<kafka libs>/*' ElectPreferredLeaders.java <client.properties> <topic>
import java.io.FileReader;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;

public class ElectPreferredLeaders {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ElectPreferredLeaders <client.properties> <topic>");
      System.exit(2);
    }
    Properties props = new Properties();
    try (FileReader r = new FileReader(args[0])) {
      props.load(r);
    }
    props.put("default.api.timeout.ms", "10000");
    props.put("request.timeout.ms", "5000");
    String topic = args[1];
    boolean allPreferred = true;
    try (Admin admin = Admin.create(props)) {
      TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
      Set<TopicPartition> partitions = new HashSet<>();
      for (TopicPartitionInfo p : d.partitions()) partitions.add(new TopicPartition(topic, p.partition()));
      Map<TopicPartition, Optional<Throwable>> results =
          admin.electLeaders(ElectionType.PREFERRED, partitions).partitions().get(10, TimeUnit.SECONDS);
      for (Map.Entry<TopicPartition, Optional<Throwable>> e : results.entrySet()) {
        int partition = e.getKey().partition();
        Optional<Throwable> err = e.getValue();
        if (err.isEmpty()) System.out.println(partition + " ok");
        else if (err.get() instanceof ElectionNotNeededException) System.out.println(partition + " unchanged");
        else {
          allPreferred = false;
          System.out.println(partition + " failed " + err.get().getClass().getSimpleName() + ": " + err.get().getMessage());
        }
      }
    }
    System.exit(allPreferred ? 0 : 1);
  }
}
