export type { DeliveryView, WebhookCreated, WebhookView } from '@skyport/contracts';
