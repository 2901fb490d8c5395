/** Advisory-lock key: one worker at a time per (connection, email), since the email is what matches a contact. */
export function contactLockKey(connectionId: string, email: string): string {
  return `contact:${connectionId}:${email}`;
}
