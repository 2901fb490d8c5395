import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryFlag } from '../../http/query-values';

export class RestoreConnectionQuery {
  @ApiPropertyOptional({ description: "Register the store's webhooks again (deleting the connection removed them); default false" })
  @QueryFlag()
  registerWebhooks: boolean = false;
}
