// The JSON API, as every other client sees it: {success, timestamp, data | error}.
// Reading needs nothing; admin calls carry the token from sessionStorage and ask for it when it
// is missing or refused (401).

import { askToken } from "./token.js";

const BASE = document.querySelector('meta[name="paperwork-api-base"]')?.content || "";
const TOKEN_KEY = "paperwork.adminToken";

export class ApiError extends Error {
  constructor(message, status, { cancelled = false } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.cancelled = cancelled;
  }
}

/** A same-origin URL for an API path; arrays repeat the parameter, empty values are left out. */
export function apiUrl(path, query) {
  const url = new URL(BASE + path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && item !== undefined && item !== "") url.searchParams.append(name, item);
    }
  }
  return url.pathname + url.search;
}

async function request(method, path, { query, body, token } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(apiUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError("서버에 연결할 수 없습니다. 네트워크 상태를 확인하세요.", 0);
  }
  if (response.status === 204) return null; // done, nothing to say (a DELETE)
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    // not JSON (a proxy's error page, say): reported below with the status
  }
  if (!response.ok || !payload || payload.success !== true) {
    const message = payload && typeof payload.error === "string"
      ? payload.error
      : `서버가 요청을 처리하지 못했습니다 (HTTP ${response.status}).`;
    throw new ApiError(message, response.status);
  }
  return payload.data;
}

export function get(path, query) {
  return request("GET", path, { query });
}

// --- admin token ----------------------------------------------------------------------------

const listeners = new Set();

export function getToken() {
  return window.sessionStorage.getItem(TOKEN_KEY);
}

function setToken(token) {
  if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
  else window.sessionStorage.removeItem(TOKEN_KEY);
  for (const listener of listeners) listener(Boolean(token));
}

export function clearToken() {
  setToken(null);
}

export function onTokenChange(listener) {
  listeners.add(listener);
  listener(Boolean(getToken()));
}

/** An admin read for a page that works without it: null when no token was entered in this tab
 * or it is refused — never asks for one. */
export async function adminIfSignedIn(path, query) {
  const token = getToken();
  if (!token) return null;
  try {
    return await request("GET", path, { query, token });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

/** An admin call: asks for the token once per tab; a refused token (401) asks again. */
export async function admin(method, path, body) {
  let reason = "";
  for (;;) {
    let token = getToken();
    if (!token) {
      token = await askToken(reason);
      if (!token) throw new ApiError("관리자 토큰을 입력하지 않아 취소했습니다.", 401, { cancelled: true });
      setToken(token);
    }
    try {
      return await request(method, path, { body, token });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        clearToken();
        reason = `토큰이 거부되었습니다: ${error.message}`;
        continue;
      }
      throw error;
    }
  }
}
