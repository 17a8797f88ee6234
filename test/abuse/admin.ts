/** What the moderation scenarios share: the admin's credentials on the server under attack, and a timed request. */
import { basicAuth } from "../helpers/admin";

/** `Authorization` for the admin routes: the suite's server gets ADMIN_PASSWORD from this environment (./suite.ts). */
export function suiteAdmin(): string {
  return basicAuth(process.env.ADMIN_USER || "admin", process.env.ADMIN_PASSWORD ?? "");
}

/** A request with the admin's credentials; resolves with its status, body and how long it took. */
export async function adminRequest(url: string, init: RequestInit = {}): Promise<{ status: number; text: string; ms: number; headers: Headers }> {
  const start = performance.now();
  const res = await fetch(url, { ...init, headers: { authorization: suiteAdmin(), accept: "application/json", ...init.headers } });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - start, headers: res.headers };
}

/** `adminRequest`, asked again while the console answers 429 (CONSOLE_REQUESTS_PER_ADDRESS), for at most 4 s. */
export async function adminRequestWhenPaced(url: string, init: RequestInit = {}): ReturnType<typeof adminRequest> {
  let answer = await adminRequest(url, init);
  for (let wait = 0; answer.status === 429 && wait < 40; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await adminRequest(url, init);
  }
  return answer;
}
