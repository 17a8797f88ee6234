/** Self-signed certificates made with openssl, for the TLS tests (docs/operating.md "Encryption"). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireInstalled } from "./installed";

export const OPENSSL = "/usr/bin/openssl";

export interface TestCertificate {
  dir: string;
  certFile: string;
  keyFile: string;
  remove(): void;
}

/** Skips the calling suite loudly when openssl is missing (fails with CI=true). */
export function requireOpenssl(context: Mocha.Context): void {
  requireInstalled(context, OPENSSL, "the TLS tests cannot make a certificate (apt-get install -y openssl)");
}

/** A fresh self-signed certificate (P-256, a day) for `hosts` (DNS names and IP addresses), in a temporary folder. */
export function makeCertificate(hosts: string[] = ["localhost", "127.0.0.1"]): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "tls-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const names = hosts.map((host) => (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(",");
  execFileSync(OPENSSL, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", `/CN=${hosts[0]}`, "-addext", `subjectAltName=${names}`,
  ], { stdio: "ignore" });
  return { dir, certFile, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
