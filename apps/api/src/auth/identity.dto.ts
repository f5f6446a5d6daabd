export type { NamespaceView, QuotaView, TeamView, TokenCreated, TokenView, UserView } from '@skyport/contracts';
