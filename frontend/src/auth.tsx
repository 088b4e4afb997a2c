/** The signed-in user (GET /auth/me), login and logout. A 401 anywhere returns to /login. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { api, setUnauthorizedHandler, unwrap, type MeOut } from "./api/client";

interface Auth {
  me: MeOut | null;
  checked: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const Ctx = createContext<Auth | null>(null);

/** Pages opened without an account (a share link, an embed): no sign-in check, no redirect to /login. */
export const isPublicPath = (path: string) => path === "/share" || path.startsWith("/embed/");

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<MeOut | null>(null);
  const [checked, setChecked] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setMe(null);
      if (!window.location.pathname.startsWith("/login") && !isPublicPath(window.location.pathname)) {
        const next = window.location.pathname + window.location.search;
        navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
      }
    });
  }, [navigate]);

  useEffect(() => {
    if (location.pathname.startsWith("/login") || isPublicPath(location.pathname)) {
      setChecked(true);
      return;
    }
    unwrap(api.GET("/api/v1/auth/me"))
      .then((m) => setMe(m))
      .catch(() => setMe(null))
      .finally(() => setChecked(true));
    // only on first load
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    await unwrap(api.POST("/api/v1/auth/login", { body: { username, password } }));
    // The server may commit the new session just after answering the login (see docs/web.md), so
    // the first /auth/me can still say 401: retry briefly, outside the 401 → login-page handler.
    for (let i = 0; i < 30; i++) {
      const r = await fetch("/api/v1/auth/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (r.ok) {
        setMe((await r.json()) as MeOut);
        return;
      }
      if (r.status !== 401) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    setMe(await unwrap(api.GET("/api/v1/auth/me")));
  }, []);

  const logout = useCallback(async () => {
    try {
      await unwrap(api.POST("/api/v1/auth/logout"));
    } finally {
      setMe(null);
      navigate("/login", { replace: true });
    }
  }, [navigate]);

  const value = useMemo(() => ({ me, checked, login, logout }), [me, checked, login, logout]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** Whether the signed-in user holds a permission (GET /auth/me lists them; docs/auth.md has the
 * table). The UI shows only what the server would allow: a control that could only answer 403 is not
 * shown, and a page behind a permission redirects home. The server checks every request anyway. */
export function useCan(): (permission: string) => boolean {
  const { me } = useAuth();
  return useCallback((permission: string) => !!me?.permissions?.includes(permission), [me]);
}

export function useAuth(): Auth {
  const v = useContext(Ctx);
  if (!v) throw new Error("useAuth outside AuthProvider");
  return v;
}
