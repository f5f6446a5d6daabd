import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { join } from 'node:path';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { buildOpenApiDocument } from './openapi.document';

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Skyport API</title>
<link rel="stylesheet" href="/v1/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/v1/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#ui', persistAuthorization: true });</script>
</body></html>`;

@Controller('v1')
export class OpenApiController {
  private readonly document = buildOpenApiDocument();

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }

  /** A browsable UI of the document (Swagger UI, served from the swagger-ui-dist package; nothing from the network). */
  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  docs(): string {
    return DOCS_PAGE;
  }

  @Get('docs/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (!ASSETS.has(file)) throw new SkyportError(ErrorCode.NotFound, `no file '${file}'`);
    res.sendFile(join(swaggerUiDir(), file));
  }
}

const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

function swaggerUiDir(): string {
  // The package's own locator (absolutePath) is in its index; require.resolve keeps us independent of it.
  return join(require.resolve('swagger-ui-dist/package.json'), '..');
}
