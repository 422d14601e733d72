// The raw producer's encodings against bytes computed by hand, and the SCRAM client against the
// RFC 7677 test vector (SCRAM-SHA-256; the hash is a parameter, SHA-512 is what Kafka is given).
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeRecord, encodeRecordBatch, singleRecordBatchBytes } from './recordBatch.ts';
import {
  API,
  frame,
  parseProduceAnswer,
  parseSaslAuthenticateAnswer,
  parseSaslHandshakeAnswer,
  produceBody,
  saslAuthenticateBody,
  saslHandshakeBody,
} from './requests.ts';
import { saslName, scramClient } from './scram.ts';
import { crc32c, varint, WireReader } from './wire.ts';

const hex = (b: Buffer) => b.toString('hex');

describe('wire primitives', () => {
  it('zigzag varints as Kafka writes them', () => {
    expect(hex(varint(0))).toBe('00');
    expect(hex(varint(-1))).toBe('01');
    expect(hex(varint(1))).toBe('02');
    expect(hex(varint(63))).toBe('7e');
    expect(hex(varint(64))).toBe('8001');
    expect(hex(varint(300))).toBe('d804'); // zigzag 600 = 0x258: 0x58|0x80, 0x04
  });
  it('CRC-32C check value of "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});

describe('requests', () => {
  it('frames SaslHandshake v1 with a v1 request header', () => {
    const f = frame(API.saslHandshake, 1, 5, 'c', saslHandshakeBody('SCRAM-SHA-512'));
    // size 26 | api 17 | v1 | correlation 5 | client id "c" | mechanism "SCRAM-SHA-512"
    expect(hex(f)).toBe('0000001a' + '0011' + '0001' + '00000005' + '0001' + '63' + '000d' + Buffer.from('SCRAM-SHA-512').toString('hex'));
  });
  it('frames SaslAuthenticate v1 with int32-length auth bytes', () => {
    const f = frame(API.saslAuthenticate, 1, 6, 'c', saslAuthenticateBody(Buffer.from('n,,')));
    expect(hex(f)).toBe('00000012' + '0024' + '0001' + '00000006' + '0001' + '63' + '00000003' + '6e2c2c');
  });
  it('writes Produce v3 of one batch to one partition with acks=all', () => {
    const batch = Buffer.from('abcd');
    expect(hex(produceBody('t', 2, batch, 1000))).toBe(
      'ffff' + 'ffff' + '000003e8' + '00000001' + '0001' + '74' + '00000001' + '00000002' + '00000004' + '61626364',
    );
  });
  it('reads the answers', () => {
    const hs = Buffer.from(
      '0000' + '00000002' + '0005' + Buffer.from('PLAIN').toString('hex') + '000d' + Buffer.from('SCRAM-SHA-512').toString('hex'),
      'hex',
    );
    expect(parseSaslHandshakeAnswer(new WireReader(hs))).toEqual({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-512'] });
    const auth = Buffer.from('003a' + '0003' + '626164' + '00000002' + '7631' + '0000000000000000', 'hex');
    expect(parseSaslAuthenticateAnswer(new WireReader(auth))).toEqual({ errorCode: 58, errorMessage: 'bad', authBytes: Buffer.from('v1') });
    const produce = Buffer.from(
      '00000001' + '0001' + '74' + '00000001' + '00000002' + '000a' + '000000000000002a' + 'ffffffffffffffff' + '00000000',
      'hex',
    );
    expect(parseProduceAnswer(new WireReader(produce))).toEqual({ errorCode: 10, baseOffset: 42n });
  });
  it('refuses an answer that ends early', () => {
    expect(() => parseProduceAnswer(new WireReader(Buffer.from('0000000100', 'hex')))).toThrow(/ended early/);
  });
});

describe('records', () => {
  it('writes a null header value as length -1, repeated names in order, null key and value', () => {
    const r = encodeRecord(
      {
        key: null,
        value: null,
        headers: [
          ['a', null],
          ['a', Buffer.from([0xff])],
        ],
      },
      1,
    );
    // length 13 | attributes | ts delta 0 | offset delta 1 | key -1 | value -1 | 2 headers | "a" -1 | "a" [ff]
    expect(hex(r)).toBe('1a' + '00' + '00' + '02' + '01' + '01' + '04' + '0261' + '01' + '0261' + '02ff');
  });
  it('a batch carries its records, count and a CRC-32C over attributes..records', () => {
    const rec = { key: Buffer.from('k'), value: Buffer.from('v'), headers: [] as Array<[string, Buffer | null]> };
    const b = encodeRecordBatch([rec], 0n);
    expect(b.length).toBe(singleRecordBatchBytes(rec));
    expect(b.readBigInt64BE(0)).toBe(0n); // base offset
    expect(b.readInt32BE(8)).toBe(b.length - 12); // batch length
    expect(b[16]).toBe(2); // magic
    expect(b.readUInt32BE(17)).toBe(crc32c(b.subarray(21)));
    expect(b.readInt32BE(57)).toBe(1); // records
    expect(hex(b.subarray(61))).toBe(hex(encodeRecord(rec, 0)));
  });
});

describe('SCRAM client', () => {
  // RFC 7677 §3: user "user", password "pencil".
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
  const vector = () => scramClient({ hash: 'sha256', username: 'user', password: 'pencil', nonce: 'rOprNGfwEbeRWgbNEkqO' });

  it('computes the RFC 7677 client proof and accepts its server signature', () => {
    const c = vector();
    expect(c.clientFirst).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(c.clientFinal(serverFirst)).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => c.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });
  it('refuses a wrong server signature, a nonce it did not start and a server error', () => {
    const c = vector();
    c.clientFinal(serverFirst);
    expect(() => c.verifyServerFinal('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toThrow(/signature is wrong/);
    expect(() => vector().clientFinal('r=someoneElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toThrow(/nonce/);
    expect(() => vector().clientFinal('e=invalid-proof')).toThrow(/refused/);
  });
  it('with SHA-512, the proof is the RFC 5802 computation with that hash', () => {
    const c = scramClient({ hash: 'sha512', username: 'harness', password: 'pw', nonce: 'abc' });
    const sf = 'r=abcdef,s=c2FsdA==,i=4096';
    const final = c.clientFinal(sf);
    const salted = pbkdf2Sync('pw', Buffer.from('salt'), 4096, 64, 'sha512');
    const clientKey = createHmac('sha512', salted).update('Client Key').digest();
    const auth = `n=harness,r=abc,${sf},c=biws,r=abcdef`;
    const sig = createHmac('sha512', createHash('sha512').update(clientKey).digest()).update(auth).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]!));
    expect(final).toBe(`c=biws,r=abcdef,p=${proof.toString('base64')}`);
    expect(proof.length).toBe(64);
  });
  it('escapes "=" and "," in the user name', () => {
    expect(saslName('a=b,c')).toBe('a=3Db=2Cc');
  });
});
