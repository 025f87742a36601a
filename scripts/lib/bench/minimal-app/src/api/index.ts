/** Ponder requires an API file; the app serves only Ponder's own routes (/ready, /health). */
import { Hono } from "hono";

export default new Hono();
