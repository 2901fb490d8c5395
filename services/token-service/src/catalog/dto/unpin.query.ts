import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryInteger } from '../../http/query-values';

/** How a bad variation id is answered, whether it came in a body or a query string. */
export const VARIATION_ID_RULE = { message: 'variationId must be a variation id (a whole number, 0 for none)' };

/** DELETE /api/connections/:id/products/:productId/pin */
export class UnpinQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, description: 'Variation id for a variable product (0 or absent otherwise)' })
  @QueryInteger({ min: 0 }, VARIATION_ID_RULE)
  variationId: number = 0;
}
