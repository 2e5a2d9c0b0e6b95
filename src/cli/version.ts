import pkg from '../../package.json' with { type: 'json' };

export function meshbenchVersion(): string {
  return pkg.version;
}
