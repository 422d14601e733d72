-- Which projector process wrote each applied row (instance name and pid): with several projectors
-- in one group, a partition's old owner writing after its new owner took over is then visible.
ALTER TABLE applied_events ADD COLUMN IF NOT EXISTS applied_by VARCHAR(64) NULL;
