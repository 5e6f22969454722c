/**
 * Custom CloudWatch metrics the dashboard shows and handlers publish (Embedded Metric Format in a log
 * line is enough; no SDK call). API Gateway has no gauge of open WebSocket connections, so the
 * signaling handlers report it.
 */
export const METRICS_NAMESPACE = 'VideoRooms';

/** Gauge: open WebSocket connections (clients and SFUs), e.g. reported by the warm-pool reconciler or on connect/disconnect. */
export const LIVE_CONNECTIONS_METRIC = 'LiveConnections';
