-- The seed's three tables, exactly as the seed created them. Later migrations
-- extend them; their columns are kept so the seed's data and queries still work.
CREATE TABLE IF NOT EXISTS crdt_events (
    id SERIAL PRIMARY KEY,
    event_id VARCHAR(255) UNIQUE NOT NULL,
    entity_id VARCHAR(255) NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    data JSONB NOT NULL,
    timestamp TIMESTAMP NOT NULL,
    node_id VARCHAR(255) NOT NULL,
    vector_clock JSONB NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS crdt_snapshots (
    entity_id VARCHAR(255) PRIMARY KEY,
    state JSONB NOT NULL,
    vector_clock JSONB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS crdt_sync_log (
    id SERIAL PRIMARY KEY,
    node_id VARCHAR(255) NOT NULL,
    last_sync TIMESTAMP NOT NULL,
    events_synced INTEGER DEFAULT 0,
    sync_direction VARCHAR(20) NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
