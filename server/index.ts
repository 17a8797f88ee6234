import { listen } from "@colyseus/tools";
import app from "./app.config";

listen(app);
