// MSW (v2) request handlers that send each vendor's production host to Understudy, for code (a vendor's SDK,
// say) that cannot be given another base URL:
//
//   import { setupServer } from "msw/node";
//   import { understudyHandlers } from "understudy/msw";
//   const server = setupServer(...understudyHandlers(urls));   // urls: the startup line's object
//   server.listen();
//
// A request to a production base URL (PRODUCTION_URLS, and `options.extra` for documents of your own) is sent,
// with its method, headers and body, to the same path under Understudy's base URL for that API, with MSW's
// `bypass` (so no handler sees it again), and Understudy's answer is the response. Requests to Understudy itself
// (the control client, direct calls) pass through, so `onUnhandledRequest: "error"` can stay on. This module
// imports nothing from Node.
import { bypass, http, passthrough, type HttpHandler } from "msw";
import { NAMESPACE_HEADER } from "./header.js";

/** Each vendor's production base URLs (the `servers` of its document in specs/), by the vendor's name. */
export const PRODUCTION_URLS: Readonly<Record<string, readonly string[]>> = {
  moonkey: ["https://api.moonkey.fun"],
  dynamic: ["https://app.dynamicauth.com/api/v0", "https://app.dynamic.xyz/api/v0"],
  paragraph: ["https://public.api.paragraph.com/api"],
  nango: ["https://api.nango.dev"],
};

export interface UnderstudyHandlersOptions {
  /** More production base URLs, each to an Understudy base URL: `{ "https://api.example.com/v1": urls.myapi }`. */
  extra?: Record<string, string>;
  /** Sent as `x-understudy-namespace` on every forwarded request (unless it has one already). */
  namespace?: string;
}

/** Request headers that belong to one connection, not to the request: never forwarded. */
const HOP_BY_HOP = ["host", "connection", "keep-alive", "content-length", "transfer-encoding", "upgrade"];

/**
 * The handlers: one per production base URL of each vendor in `urls` (vendors `urls` lacks are left alone), one
 * per `options.extra` entry, then one per origin of Understudy's URLs that lets requests there pass through.
 */
export function understudyHandlers(urls: Record<string, string>, options: UnderstudyHandlersOptions = {}): HttpHandler[] {
  const routes: Array<[string, string]> = [];
  for (const [vendor, bases] of Object.entries(PRODUCTION_URLS)) {
    const target = urls[vendor];
    if (target) for (const base of bases) routes.push([base, target]);
  }
  for (const [base, target] of Object.entries(options.extra ?? {})) {
    if (!target) throw new Error(`understudyHandlers: no Understudy URL for ${base}`);
    routes.push([base, target]);
  }
  const origins = new Set([...Object.values(urls), ...routes.map(([, target]) => target)].map((url) => new URL(url).origin));
  return [
    ...routes.map(([base, target]) => forward(base, target, options.namespace)),
    ...[...origins].map((origin) => http.all(`${origin}/*`, () => passthrough())),
  ];
}

function forward(base: string, target: string, namespace: string | undefined): HttpHandler {
  const from = base.replace(/\/+$/, "");
  const to = target.replace(/\/+$/, "");
  const basePath = new URL(from).pathname.replace(/\/+$/, "");
  return http.all(`${from}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const destination = `${to}${url.pathname.slice(basePath.length)}${url.search}`;
    const headers = new Headers(request.headers);
    for (const name of HOP_BY_HOP) headers.delete(name);
    if (namespace !== undefined && !headers.has(NAMESPACE_HEADER)) headers.set(NAMESPACE_HEADER, namespace);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    const answer = await fetch(bypass(destination, { method: request.method, headers, body, redirect: "manual" }));
    // fetch has decoded the body already: its length and encoding headers no longer describe it.
    const responseHeaders = new Headers(answer.headers);
    responseHeaders.delete("content-encoding");
    responseHeaders.delete("content-length");
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: responseHeaders });
  });
}
