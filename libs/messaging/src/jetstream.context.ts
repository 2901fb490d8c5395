import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import type { InboundEvent } from './inbound-event';

/** What a JetStream event handler can reach besides its payload (`@Ctx()`). */
export class JetStreamContext extends BaseRpcContext<[JsMsg, InboundEvent]> {
  getMessage(): JsMsg {
    return this.args[0];
  }

  getEvent(): InboundEvent {
    return this.args[1];
  }

  /** Tells JetStream the handler is still working (resets ack_wait); the runner also does this on a timer. */
  working(): void {
    this.args[0].working();
  }
}
