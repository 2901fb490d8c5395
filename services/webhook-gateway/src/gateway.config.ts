import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { PlatformConfig } from '@connector/platform';

export class GatewayConfig extends PlatformConfig {
  /** 0 picks a free port (tests). */
  @IsInt()
  @Min(0)
  @Max(65535)
  GATEWAY_PORT: number = 3000;

  @IsOptional()
  @IsString()
  GATEWAY_HOST?: string;

  /**
   * Largest delivery accepted (bytes). NATS rejects messages over its max_payload (1 MiB by
   * default), so the gateway caps this below the server's limit at boot.
   */
  @IsInt()
  @Min(1024)
  MAX_BODY_BYTES: number = 1_000_000;

  /**
   * Gateway processes sharing the port (node:cluster). One Node process uses one core, and each
   * delivery costs CPU (signature, parse, publish); give the gateway as many workers as the cores
   * it may use, or run more replicas behind a load balancer. 1 runs a single process.
   */
  @IsInt()
  @Min(1)
  @Max(64)
  GATEWAY_WORKERS: number = 1;
}
