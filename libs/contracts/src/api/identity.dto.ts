import { z } from 'zod';
import { isoTime, uuidText } from './answer-fields';
import { QuotaViewSchema } from './quota.dto';

/**
 * Users, service accounts, teams and tokens (`/v1/users`, `/v1/teams`, `/v1/tokens`, `/v1/whoami`): bodies and
 * answers, declared as in launch.dto.ts. The bodies ignore fields they do not know, as the api always has.
 */

const NOT_AN_OBJECT = { error: 'the request body must be a JSON object' };

export const RoleSchema = z.enum(['admin', 'user'], { error: `"{field}" must be 'admin' or 'user', not {value}` });
export type Role = z.infer<typeof RoleSchema>;
const AccountKindSchema = z.enum(['user', 'service'], { error: `"{field}" must be 'user' or 'service', not {value}` });

/** A user's or a team's name. */
export const IDENTITY_NAME = /^[a-z0-9]([-a-z0-9_.]{0,62}[a-z0-9])?$/;
const identityName = (kind: 'user' | 'team') => {
  const message = `the ${kind} name must be 1–64 lower-case letters, digits, '-', '_' or '.', starting and ending with a letter or digit; not {value}`;
  return z.string({ error: message }).regex(IDENTITY_NAME, { error: message });
};

/** `POST /v1/users` (admin): a person or a service account; `role` and `kind` default to `user`. */
export const UserCreateSchema = z.object(
  {
    name: identityName('user'),
    role: RoleSchema.nullish(),
    kind: AccountKindSchema.nullish(),
    team: identityName('team').nullish(),
  },
  NOT_AN_OBJECT,
);
export type UserCreate = z.infer<typeof UserCreateSchema>;
export type UserCreateInput = z.input<typeof UserCreateSchema>;

/** `PATCH /v1/users/:user` (admin): what is given changes; `team: null` takes the user out of their team. */
export const UserPatchSchema = z.object(
  {
    role: RoleSchema.optional(),
    team: identityName('team').nullable().optional(),
    disabled: z.boolean({ error: '"disabled" must be true or false, not {value}' }).optional(),
  },
  NOT_AN_OBJECT,
);
export type UserPatch = z.infer<typeof UserPatchSchema>;
export type UserPatchInput = z.input<typeof UserPatchSchema>;

/** `POST /v1/teams` (admin). */
export const TeamCreateSchema = z.object({ name: identityName('team') }, NOT_AN_OBJECT);
export type TeamCreate = z.infer<typeof TeamCreateSchema>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAMESPACE_MESSAGE = '"{field}" must be {"context": "<kube context>", "namespace": "<DNS-1123 label>"}, not {value}';

export const NamespaceViewSchema = z.object(
  {
    context: z
      .string({ error: '"{field}" must be a kube context name (1–253 characters), not {value}' })
      .min(1, { error: '"{field}" must be a kube context name (1–253 characters), not {value}' })
      .max(253, { error: '"{field}" must be a kube context name (1–253 characters), not {value}' }),
    namespace: z.string({ error: '"{field}" must be a DNS-1123 label, not {value}' }).regex(DNS_LABEL, { error: '"{field}" must be a DNS-1123 label, not {value}' }),
  },
  { error: NAMESPACE_MESSAGE },
);
export type NamespaceView = z.infer<typeof NamespaceViewSchema>;

const NAMESPACES_MESSAGE = '"namespaces" must be a list of {context, namespace} (at most 200), not {value}';

/** `PUT /v1/teams/:team/namespaces` (admin): the team's namespaces per context, replacing what it had. */
export const NamespacesBodySchema = z.object(
  { namespaces: z.array(NamespaceViewSchema, { error: NAMESPACES_MESSAGE }).max(200, { error: NAMESPACES_MESSAGE }) },
  { error: 'the request body must be {"namespaces": [{"context": ..., "namespace": ...}]}' },
);
export type NamespacesBody = z.infer<typeof NamespacesBodySchema>;

const EXPIRES_AT_MESSAGE = '"expiresAt" must be an RFC 3339 time, not {value}';
const EXPIRES_IN_MESSAGE = '"expiresInDays" must be a number of days between 0 and 3650, not {value}';
const NAME_MESSAGE = '"name" must be 1–100 characters, not {value}';

/** `POST /v1/tokens`: a token for the caller, or (admins) for `user`; with no expiry it lasts until revoked. */
export const TokenCreateSchema = z.object(
  {
    name: z.string({ error: NAME_MESSAGE }).min(1, { error: NAME_MESSAGE }).max(100, { error: NAME_MESSAGE }).default('token'),
    user: z.string({ error: '"user" must be a user name or id, not {value}' }).optional().meta({ description: 'Admins: make the token for this user (e.g. a service account).' }),
    expiresInDays: z.number({ error: EXPIRES_IN_MESSAGE }).gt(0, { error: EXPIRES_IN_MESSAGE }).max(3650, { error: EXPIRES_IN_MESSAGE }).nullish(),
    expiresAt: z
      .string({ error: EXPIRES_AT_MESSAGE })
      .refine((text) => isTime(new Date(text)), { error: EXPIRES_AT_MESSAGE })
      .meta({ format: 'date-time' })
      .nullish(),
  },
  NOT_AN_OBJECT,
);
export type TokenCreate = z.infer<typeof TokenCreateSchema>;
export type TokenCreateInput = z.input<typeof TokenCreateSchema>;

function isTime(at: Date): boolean {
  return !Number.isNaN(at.getTime()) && at.getFullYear() <= 9999;
}

// --- answers ---------------------------------------------------------------------------------------------------

/** Who is calling (GET /v1/whoami). */
export const PrincipalViewSchema = z.object({
  userId: z.string(),
  name: z.string(),
  role: RoleSchema,
  kind: AccountKindSchema,
  team: z.string().nullable(),
  tokenId: z.string().nullable(),
});
export type PrincipalView = z.infer<typeof PrincipalViewSchema>;

export const UserViewSchema = z.object({
  id: uuidText(),
  name: z.string(),
  role: RoleSchema,
  kind: AccountKindSchema,
  team: z.string().nullable(),
  createdAt: isoTime(),
  disabled: z.boolean(),
});
export type UserView = z.infer<typeof UserViewSchema>;

export const TeamViewSchema = z.object({
  name: z.string(),
  createdAt: isoTime(),
  members: z.number().int(),
  namespaces: z.array(NamespaceViewSchema),
  quota: QuotaViewSchema.nullable(),
});
export type TeamView = z.infer<typeof TeamViewSchema>;

export const TokenViewSchema = z.object({
  id: uuidText(),
  name: z.string(),
  userId: z.string(),
  userName: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the token, to recognise it.' }),
  createdAt: isoTime(),
  expiresAt: isoTime().nullable(),
  revokedAt: isoTime().nullable(),
  lastUsedAt: isoTime().nullable(),
  state: z.enum(['active', 'revoked', 'expired']),
});
export type TokenView = z.infer<typeof TokenViewSchema>;

/** The answer to creating a token: the only time the token itself is shown. */
export const TokenCreatedSchema = TokenViewSchema.extend({ token: z.string().meta({ description: 'The bearer token. Shown in this answer only.' }) });
export type TokenCreated = z.infer<typeof TokenCreatedSchema>;

/** One row of the audit log (`GET /v1/audit`, admins): every mutating call. */
export const AuditViewSchema = z.object({
  id: z.string(),
  at: isoTime(),
  actor: z.string().nullable(),
  actorId: z.string().nullable(),
  tokenId: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  result: z.string().meta({ description: '`ok`, or the error code of the answer.' }),
  statusCode: z.number().int(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type AuditView = z.infer<typeof AuditViewSchema>;
