import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/actor';
import { openApiDocument } from './openapi';

@Controller('docs')
export class DocsController {
  private readonly document = openApiDocument();

  /** The OpenAPI 3.1 document (JSON). */
  @Public()
  @Get()
  openApi() {
    return this.document;
  }
}
