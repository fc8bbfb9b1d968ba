"""Real time: typed events, the event log, and the bus that carries events to connected clients."""
