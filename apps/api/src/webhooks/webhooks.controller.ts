import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { WebhookCreateSchema, readRestBody, type DeliveryPage, type WebhookList } from '@skyport/contracts';
import { Caller, type Principal } from '../auth/principal';
import { str } from '../http/query-value';
import { SecretResponse } from '../http/idempotency.interceptor';
import { WebhooksService } from './webhooks.service';
import type { WebhookCreated, WebhookView } from './webhooks.dto';

@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  /** Registers a URL for the caller's team's events; the answer holds the signing secret, shown this once. */
  @Post()
  @HttpCode(201)
  @SecretResponse()
  create(@Caller() caller: Principal, @Body() raw: unknown): Promise<WebhookCreated> {
    return this.webhooks.create(caller, readRestBody(WebhookCreateSchema, raw));
  }

  @Get()
  async list(@Caller() caller: Principal): Promise<WebhookList> {
    return { items: await this.webhooks.list(caller) };
  }

  @Delete(':id')
  remove(@Caller() caller: Principal, @Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.remove(caller, id);
  }

  /** The delivery log, newest first: every try with its status or error. `?state=pending|delivered|failed`. */
  @Get(':id/deliveries')
  deliveries(@Caller() caller: Principal, @Param('id') id: string, @Query() query: Record<string, string | undefined>): Promise<DeliveryPage> {
    return this.webhooks.deliveries(caller, id, { limit: str(query.limit), cursor: str(query.cursor), state: str(query.state) });
  }
}
