import { AppError } from '../shared/errors.js';
import { blobStoreProblems } from './blob-store-checks.js';
import { type Config, EnvSchema, roleNames, shapeConfig } from './schema.js';

export { type Config, type Role, roleNames, type SealLevel, sealLevels } from './schema.js';

/**
 * Reads the configuration from the environment: the only place in the program that does.
 * Every problem is reported at once, named by its variable, so an operator fixes them in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // An empty variable means "not set": shells and compose files often export blanks.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  if (parsed.success) {
    const unknownRoles = (parsed.data.PARAPHE_ROLES ?? []).filter(
      (r) => !(roleNames as readonly string[]).includes(r),
    );
    if (unknownRoles.length > 0)
      problems.push(`PARAPHE_ROLES: unknown role(s) ${unknownRoles.join(', ')}; use ${roleNames.join(', ')}`);
    const level = parsed.data.PARAPHE_SEAL_LEVEL;
    if (level && level !== 'B-B' && (parsed.data.PARAPHE_TSA_URLS ?? []).length === 0)
      problems.push(`PARAPHE_SEAL_LEVEL: ${level} needs a timestamp authority (PARAPHE_TSA_URLS)`);
    problems.push(...blobStoreProblems(parsed.data));
  }
  if (!parsed.success || problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      details: { problems: problems.join('\n') },
    });
  }
  return shapeConfig(parsed.data, cwd);
}
