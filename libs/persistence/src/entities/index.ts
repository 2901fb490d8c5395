import { AuditEntryEntity } from './audit-entry.entity';
import { ConnectionEntity } from './connection.entity';
import { DeadLetterEntity } from './dead-letter.entity';
import { ZohoTokenEntity } from './zoho-token.entity';

export * from './audit-entry.entity';
export * from './connection.entity';
export * from './dead-letter.entity';
export * from './zoho-token.entity';

export const ENTITIES = [ConnectionEntity, ZohoTokenEntity, DeadLetterEntity, AuditEntryEntity];
