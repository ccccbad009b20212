-- Events stored before crdt_origins existed (the seed's rows, given seqs by
-- 0002) have no frontier row, so no sync ever reads them (sync reads above the
-- frontier, origin by origin). Record every origin's frontier from the log:
-- contiguous_seq is the gap-free prefix (seqs are unique, so seq = row number
-- holds exactly there) and max_seq the highest seq held.
INSERT INTO crdt_origins (space_id, node_id, contiguous_seq, max_seq)
SELECT space_id, node_id, count(*) FILTER (WHERE seq = rn), max(seq)
FROM (
    SELECT space_id, node_id, seq,
           row_number() OVER (PARTITION BY space_id, node_id ORDER BY seq) AS rn
    FROM crdt_events
) s
GROUP BY space_id, node_id
ON CONFLICT (space_id, node_id) DO UPDATE SET
    contiguous_seq = excluded.contiguous_seq, max_seq = excluded.max_seq;
