import createDebug from "debug";

/** Namespaced debug loggers: `DEBUG=game:*` shows them all. */
export const log = {
  refusal: createDebug("game:refusal"),
  room: createDebug("game:room"),
  scaling: createDebug("game:scaling"),
};
