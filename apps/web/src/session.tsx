import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { connectSession } from './api';
import { dropDrafts } from './drafts';

/** The signed-in member of staff, as the token says (the api checks the signature; the console only reads the claims). */
export interface Staff {
  readonly user: string;
  readonly role: string;
  readonly department?: string;
  /** Epoch seconds. */
  readonly expiresAt?: number;
}

const STORAGE_KEY = 'redress.token';
/** Written when someone signs out on purpose: every tab drops its drafts (a token removed may also be one that ran out). */
const SIGNED_OUT_KEY = 'redress.signed-out';

const base64UrlJson = (part: string): unknown => {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
};

/** The claims of a JWT, or undefined when it is not one. */
export const staffOf = (token: string): Staff | undefined => {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = base64UrlJson(parts[1]) as { sub?: unknown; role?: unknown; department?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string' || typeof claims.role !== 'string') return undefined;
    return {
      user: claims.sub,
      role: claims.role,
      ...(typeof claims.department === 'string' ? { department: claims.department } : {}),
      ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp } : {}),
    };
  } catch {
    return undefined;
  }
};

interface SessionState {
  readonly staff?: Staff;
  readonly token?: string;
  /** Why the last session ended, when the api ended it. */
  readonly ended?: string;
}

interface SessionContextValue extends SessionState {
  /** Sign-outs this tab has seen (its own or another tab's): the signed-in pages start afresh after each. */
  readonly signOuts: number;
  signIn(token: string): Staff | undefined;
  signOut(reason?: string): void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

const restored = (): SessionState => {
  const token = localStorage.getItem(STORAGE_KEY) ?? undefined;
  const staff = token ? staffOf(token) : undefined;
  if (!token || !staff || (staff.expiresAt !== undefined && staff.expiresAt * 1000 < Date.now())) return {};
  return { token, staff };
};

export const SessionProvider = ({ children }: { children: ReactNode }) => {
  const [state, setState] = useState<SessionState>(restored);
  const [signOuts, setSignOuts] = useState(0);
  /** Drafts go, and the signed-in pages with what their forms show. */
  const signedOutSomewhere = useCallback(() => {
    dropDrafts();
    setSignOuts((count) => count + 1);
  }, []);
  /** With a reason the api ended the session (the drafts wait for the same person); without, the person signed out. */
  const signOut = useCallback((reason?: string) => {
    if (reason === undefined) {
      signedOutSomewhere();
      localStorage.setItem(SIGNED_OUT_KEY, String(Date.now()));
    }
    localStorage.removeItem(STORAGE_KEY);
    setState(reason ? { ended: reason } : {});
  }, [signedOutSomewhere]);
  const signIn = useCallback((raw: string) => {
    const token = raw.trim();
    const staff = staffOf(token);
    if (!staff) return undefined;
    localStorage.setItem(STORAGE_KEY, token);
    setState({ token, staff });
    return staff;
  }, []);
  connectSession({ token: () => state.token, rejected: (message) => signOut(message) });
  // Signing out in one tab signs out every tab (a shared service-desk PC), and signing in elsewhere is picked up.
  useEffect(() => {
    const follow = (event: StorageEvent) => {
      if (event.key === SIGNED_OUT_KEY) signedOutSomewhere();
      if (event.key !== STORAGE_KEY) return;
      setState(restored());
    };
    // A tab going into the back/forward cache hears no storage events until it is shown again: it notes the sign-out
    // marker as it leaves (its own sign-out included) and catches up on its return.
    let markerWhenHidden: string | null = null;
    const away = (event: PageTransitionEvent) => {
      if (event.persisted) markerWhenHidden = localStorage.getItem(SIGNED_OUT_KEY);
    };
    const back = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      if (localStorage.getItem(SIGNED_OUT_KEY) !== markerWhenHidden) signedOutSomewhere();
      const now = restored();
      // Unchanged, the session stays as it is (with the reason the api ended it, if it did).
      setState((current) => (now.token === current.token ? current : now));
    };
    window.addEventListener('storage', follow);
    window.addEventListener('pagehide', away);
    window.addEventListener('pageshow', back);
    return () => {
      window.removeEventListener('storage', follow);
      window.removeEventListener('pagehide', away);
      window.removeEventListener('pageshow', back);
    };
  }, [signedOutSomewhere]);
  const value = useMemo(() => ({ ...state, signOuts, signIn, signOut }), [state, signOuts, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
};

export const useSession = (): SessionContextValue => {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
};

/** The signed-in member of staff: only for pages shown after sign-in. */
export const useStaff = (): Staff => {
  const { staff } = useSession();
  if (!staff) throw new Error('useStaff before sign-in');
  return staff;
};
