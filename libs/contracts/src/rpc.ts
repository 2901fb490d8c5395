/** Request and reply bodies of the core-NATS RPCs named in `RPC`. */
export interface ZohoSessionRequest {
  connectionId: string;
}

export interface ZohoSessionReply {
  accessToken: string;
  apiDomain: string;
  organizationId: string;
  expiresAt: string;
}

export interface ZohoInvalidateRequest {
  connectionId: string;
  accessToken: string;
}

/** Every RPC reply is wrapped so errors cross the wire with their class (transient or not). */
export type RpcReply<T> =
  | { ok: true; data: T }
  | { ok: false; error: { message: string; transient: boolean; code?: string; retryAfterMs?: number } };
