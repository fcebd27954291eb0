/**
 * The connection pool every PostgreSQL store opens (the vulnerability data here, the monitor's
 * results store), configured once: a 5 s connect timeout unless given, at most 4 connections,
 * idle-client errors left to surface on the next query; and the URL without its password.
 */
import pg from "pg";
import { displayLocation } from "./location.js";

export function openPool(url: string, connectTimeoutMs = 5000): { pool: pg.Pool; location: string } {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, max: 4 });
  pool.on("error", () => {}); // idle client errors surface on the next query
  return { pool, location: displayLocation(url) };
}
