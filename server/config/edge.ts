/**
 * What faces the browser directly, read by readSettings (./index.ts); see docs/operating.md
 * "Encryption" and "Static files".
 *
 * TLS_CERT_FILE      PEM certificate chain: with TLS_KEY_FILE, this process serves https and wss itself
 * TLS_KEY_FILE       PEM private key of that certificate
 * PUBLIC_ASSET_BASE  https URL of a CDN origin that serves the client's hashed files: index.html loads them from there
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError } from "./error";

export interface TlsFiles {
  /** The files' contents, read once at start. */
  cert: string;
  key: string;
  certFile: string;
}

export interface EdgeSettings {
  /** TLS_CERT_FILE and TLS_KEY_FILE: undefined serves plain http/ws (a TLS proxy in front, or development). */
  tls: TlsFiles | undefined;
  /** PUBLIC_ASSET_BASE without a trailing slash; undefined: the page loads its files from its own origin. */
  assetBase: string | undefined;
}

export function readEdge(env: Record<string, string | undefined>): EdgeSettings {
  return { tls: readTls(env.TLS_CERT_FILE?.trim() || undefined, env.TLS_KEY_FILE?.trim() || undefined), assetBase: readAssetBase(env.PUBLIC_ASSET_BASE?.trim() || undefined) };
}

function readTls(certFile: string | undefined, keyFile: string | undefined): TlsFiles | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined) throw new ConfigError('"TLS_CERT_FILE" must be set too: TLS_KEY_FILE is set (set both, or neither)');
  if (keyFile === undefined) throw new ConfigError('"TLS_KEY_FILE" must be set too: TLS_CERT_FILE is set (set both, or neither)');
  const cert = readPem("TLS_CERT_FILE", certFile);
  const key = readPem("TLS_KEY_FILE", keyFile);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`"TLS_CERT_FILE": ${certFile} is not a PEM certificate`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError(`"TLS_KEY_FILE": ${keyFile} is not a PEM private key (or it is encrypted)`);
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new ConfigError(`"TLS_KEY_FILE": ${keyFile} is not the key of the certificate in TLS_CERT_FILE`);
  return { cert, key, certFile };
}

function readPem(name: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`"${name}": cannot read ${file.slice(0, 200)} (${reason})`);
  }
}

function readAssetBase(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // refused below
  }
  if (!url || url.protocol !== "https:" || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new ConfigError(`"PUBLIC_ASSET_BASE" must be an https URL like https://cdn.example/game (no query, no credentials), got "${value.slice(0, 64)}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
