import { Platform1764000000000 } from './1764000000000-platform';
import { Sync1764100000000 } from './1764100000000-sync';

/** Every migration, in order. Production never uses `synchronize`; schema changes are reviewed here. */
export const MIGRATIONS = [Platform1764000000000, Sync1764100000000];
