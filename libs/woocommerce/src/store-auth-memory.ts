import type { StoreAuthScheme } from './auth';

/**
 * Which https stores turned out to need OAuth 1.0a (and signed over which scheme), by normalized
 * store URL. It is a property of the store's server setup, not of a key, so it is shared by every
 * client in the process: the platform builds a client per use (StoreClients), and each would
 * otherwise pay a refused Basic request, or two, before its first answer. Stores that take Basic
 * are not listed (Basic is the default). A store whose setup changes is found out again when its
 * remembered OAuth signature stops being accepted (see auth-fallback.ts).
 */
export class StoreAuthMemory {
  private readonly learned = new Map<string, StoreAuthScheme>();

  schemeFor(storeUrl: string): StoreAuthScheme | undefined {
    return this.learned.get(storeUrl);
  }

  remember(storeUrl: string, scheme: StoreAuthScheme): void {
    this.learned.set(storeUrl, scheme);
  }

  forget(storeUrl: string): void {
    this.learned.delete(storeUrl);
  }
}

/** The memory every WooClient of this process uses unless given its own. */
export const processStoreAuthMemory = new StoreAuthMemory();
