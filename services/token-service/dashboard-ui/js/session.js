// The admin token lives in sessionStorage: it survives reloads of this tab, is not shared with
// other tabs, and is gone when the tab closes. It is never put in a URL or in localStorage.
const TOKEN_KEY = 'connector.adminToken';
const CONNECTION_KEY = 'connector.connection';

function read(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null; // storage disabled (privacy mode): the user signs in again after a reload
  }
}

function write(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // see read()
  }
}

let memoryToken = read(TOKEN_KEY);

export const session = {
  get token() {
    return memoryToken;
  },
  signIn(token) {
    memoryToken = token;
    write(TOKEN_KEY, token);
  },
  signOut() {
    memoryToken = null;
    write(TOKEN_KEY, null);
  },
  /** The connection the user looked at last, so section links open on it. */
  get connectionId() {
    return read(CONNECTION_KEY);
  },
  set connectionId(id) {
    write(CONNECTION_KEY, id);
  },
};
