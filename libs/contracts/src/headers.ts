/**
 * NATS message headers written by the gateway next to the raw WooCommerce body. The body in the
 * stream is byte-for-byte what WooCommerce signed, so the audit log can be re-verified later; all
 * metadata travels in headers.
 */
export const HEADERS = {
  msgId: 'Nats-Msg-Id',
  connectionId: 'Connector-Connection-Id',
  topic: 'Connector-Topic',
  resourceId: 'Connector-Resource-Id',
  modifiedGmt: 'Connector-Modified-Gmt',
  webhookId: 'Connector-Webhook-Id',
  deliveryId: 'Connector-Delivery-Id',
  receivedAt: 'Connector-Received-At',
  source: 'Connector-Source',
  correlationId: 'Connector-Correlation-Id',
  /** `webhook` for live deliveries, `reconcile` for events found by the REST sweep, `retry`… */
  origin: 'Connector-Origin',
  /** On a retried copy: the stream sequence of the original event (its dead letter resolves on success). */
  retryOf: 'Connector-Retry-Of',
} as const;
