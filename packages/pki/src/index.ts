export {
  type CaMaterial,
  type CertAndKey,
  type CertInfo,
  type CreateCaOptions,
  certInfo,
  createCa,
  loadCa,
  verifySignedBy,
} from './ca.ts';
export {
  CLIENT_CERT_VALID_DAYS,
  type ClientCert,
  type IssueClientCertOptions,
  type IssueServerCertOptions,
  issueClientCert,
  issueServerCert,
} from './issue.ts';
export {
  type BuildCrlOptions,
  type ParsedCrl,
  type RevokedEntry,
  buildCrl,
  crlNeedsRenewal,
  parseCrl,
  verifyCrlSignedBy,
} from './crl.ts';
export {
  type CaFiles,
  type EnsureCaFilesOptions,
  type EnsuredCa,
  caFilesIn,
  ensureCaFiles,
} from './ca-files.ts';
export { SecretDecryptError, decryptSecret, encryptSecret } from './secret-box.ts';
export { normalizeSerial, randomSerialHex } from './keys.ts';
