/**
 * Admin actions as spans (docs/operating.md "Tracing"): every request to the admin API and console
 * (OpsPath.admin) and every room call of the monitor (mute, kick...), once its credentials passed.
 * The monitor's own pages and polling, and /metrics, are not actions and are not traced.
 */
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_PATH } from "@opentelemetry/semantic-conventions";
import type express from "express";
import { SpanKind, type Tracing } from "../telemetry/tracing";

/** The monitor's room-call API, under its mount (OpsPath.monitor). */
export const ROOM_CALL_PATH = "/api/room/call";

/** Longest URL path a span keeps (a hostile path is cut, not stored whole). */
const SPAN_PATH_MAX_CHARS = 256;

/** `all`: every request under the mount is an action; otherwise only the monitor's room calls are. */
export function traceAdminActions(tracing: Tracing, adminUser: string, all: boolean): express.RequestHandler {
  return (req, res, next) => {
    if (!tracing.on || (!all && req.path !== ROOM_CALL_PATH)) return next();
    const method = typeof req.query.method === "string" ? { "colyseus.admin.room_method": req.query.method.slice(0, SPAN_PATH_MAX_CHARS) } : {};
    const span = tracing.start(`admin ${req.method} ${req.baseUrl || req.path}`, {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: req.method,
        [ATTR_URL_PATH]: req.originalUrl.split("?")[0].slice(0, SPAN_PATH_MAX_CHARS),
        "enduser.id": adminUser,
        ...(all ? {} : method),
      },
    });
    // "close" follows "finish", or comes alone when the client hung up first.
    res.once("close", () => {
      if (res.writableFinished) span?.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      span?.end();
    });
    tracing.within(span, next);
  };
}
