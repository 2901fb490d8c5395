import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNotEmpty, IsNotEmptyObject, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength,
  IsObject, Validate, ValidateNested, ValidatorConstraint, type ValidatorConstraintInterface,
} from 'class-validator';
import { ZOHO_PAYMENT_MODES } from '@connector/accounting';
import { IsNotBlank } from '../../validation/not-blank';
import { IsTimeZone } from '../../validation/time-zone';
import { IsUtcDateTime } from '../../validation/utc-date-time';

/** Every value a Zoho payment mode, every key a payment method id as WooCommerce names them. */
@ValidatorConstraint({ name: 'paymentModes' })
class PaymentModesConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const entries = Object.entries(value);
    return entries.length <= 100 && entries.every(([method, mode]) => /^[\w.-]{1,100}$/.test(method) && (ZOHO_PAYMENT_MODES as readonly unknown[]).includes(mode));
  }

  defaultMessage(): string {
    return `settings.paymentModes must map payment method ids to one of ${ZOHO_PAYMENT_MODES.join(', ')}`;
  }
}

export class WooCredentialsDto {
  @ApiProperty({ example: 'https://shop.example.com' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  url: string;

  @ApiProperty({ example: 'ck_0123456789abcdef0123456789abcdef01234567' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  consumerKey: string;

  @ApiProperty({ example: 'cs_0123456789abcdef0123456789abcdef01234567', writeOnly: true })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  consumerSecret: string;

  @ApiPropertyOptional({ description: 'Generated (256 random bits) when omitted', writeOnly: true })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  webhookSecret?: string;
}

export class ZohoCredentialsDto {
  @ApiProperty({ example: '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  clientId: string;

  @ApiProperty({ writeOnly: true })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  clientSecret: string;

  @ApiProperty({ writeOnly: true, example: '1000.2f3c…' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  refreshToken: string;

  @ApiProperty({ example: 'https://accounts.zoho.eu', description: "The data centre's accounts server" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  accountsUrl: string;

  @ApiPropertyOptional({ example: '10234695', description: 'Resolved from Zoho after the first token when omitted' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,30}$/, { message: 'zoho.organizationId must be the numeric Zoho Books organization id' })
  organizationId?: string;
}

export class ConnectionSettingsDto {
  @ApiPropertyOptional({ example: ['processing', 'completed', 'on-hold'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  syncStatuses?: string[];

  @ApiPropertyOptional({ enum: ['zoho', 'order-number'] })
  @IsOptional()
  @IsIn(['zoho', 'order-number'])
  invoiceNumber?: 'zoho' | 'order-number';

  @ApiPropertyOptional({ example: 'WC-' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  invoiceNumberPrefix?: string;

  @ApiPropertyOptional({
    enum: ['draft', 'sent'],
    description: 'draft (default): invoices wait as drafts for the owner to send them in Zoho; sent: each is marked as sent once written, so it counts in the books at once (nothing is emailed)',
  })
  @IsOptional()
  @IsIn(['draft', 'sent'], { message: 'settings.invoiceStatus must be draft or sent' })
  invoiceStatus?: 'draft' | 'sent';

  @ApiPropertyOptional({
    enum: ['walk-in', 'fail'],
    description: 'Orders without a billing email (phone, counter and admin-made orders): walk-in (default) books them to one shared contact (walkInContactName); fail fails them until the order has an email',
  })
  @IsOptional()
  @IsIn(['walk-in', 'fail'], { message: 'settings.ordersWithoutEmail must be walk-in or fail' })
  ordersWithoutEmail?: 'walk-in' | 'fail';

  @ApiPropertyOptional({ example: 'Walk-in customer', description: 'Name of the shared Zoho contact for orders without an email ("<name> (EUR)" in a currency other than the base one)' })
  @IsOptional()
  @IsString()
  @IsNotBlank({ message: 'settings.walkInContactName must not be blank' })
  @MaxLength(100)
  walkInContactName?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone the books are kept in (invoice, payment and refund dates); default UTC' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsTimeZone({ message: 'settings.storeTimeZone must be an IANA time zone such as Europe/Berlin' })
  storeTimeZone?: string;

  @ApiPropertyOptional({ description: 'Marks the connection `npm start` made to the built-in sandbox' })
  @IsOptional()
  @IsBoolean()
  sandbox?: boolean;

  @ApiPropertyOptional({
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    description: 'Slack-compatible incoming webhook for alerts (POST {"text": …}); https unless private endpoints are allowed',
    writeOnly: true,
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'settings.alertWebhookUrl must be an http(s) URL' })
  @MaxLength(2000)
  alertWebhookUrl?: string;

  @ApiPropertyOptional({ example: 5000, description: "Zoho Books API calls per day of the organization's plan; an alert goes out at 90 %" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  zohoDailyLimit?: number;

  @ApiPropertyOptional({
    example: '2026-11-28T00:00:00',
    description: 'Refunds made before this moment (UTC) are not booked as credit notes; set on connections that existed before refunds were booked',
  })
  @IsOptional()
  @IsUtcDateTime({ message: 'settings.refundsSince must be a UTC time as YYYY-MM-DDTHH:MM:SS that exists on the calendar' })
  refundsSince?: string;

  @ApiPropertyOptional({
    example: '2026-12-01T00:00:00',
    description: 'Orders paid at or after this moment (UTC) get their payment booked in Zoho as a customer payment applied to their invoice; absent, payments are not booked',
  })
  @IsOptional()
  @IsUtcDateTime({ message: 'settings.paymentsSince must be a UTC time as YYYY-MM-DDTHH:MM:SS that exists on the calendar' })
  paymentsSince?: string;

  @ApiPropertyOptional({ example: '460000000000358', description: 'Zoho account the payments are deposited to (default: Zoho\'s for the mode)' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,30}$/, { message: 'settings.paymentAccountId must be a Zoho account id (digits)' })
  paymentAccountId?: string;

  @ApiPropertyOptional({
    example: { 'ppcp-gateway': 'autotransaction' },
    description: `WooCommerce payment method id → Zoho payment mode (${ZOHO_PAYMENT_MODES.join(', ')}); unmapped: bacs banktransfer, cheque check, cod cash, card processors creditcard, others others`,
  })
  @IsOptional()
  @IsObject()
  @Validate(PaymentModesConstraint)
  paymentModes?: Record<string, string>;
}

export class CreateConnectionDto {
  @ApiProperty({ example: 'Acme store' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @ApiProperty({ type: WooCredentialsDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => WooCredentialsDto)
  woocommerce: WooCredentialsDto;

  @ApiProperty({ type: ZohoCredentialsDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => ZohoCredentialsDto)
  zoho: ZohoCredentialsDto;

  @ApiPropertyOptional({ type: ConnectionSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectionSettingsDto)
  settings?: ConnectionSettingsDto;
}

/**
 * A change of a connection's settings (PATCH): the settings given replace the stored ones, a
 * setting given as null is removed (its default applies again), the others stay as they are.
 * `sandbox` is not among them: it marks the connection `npm start` made.
 */
export class ChangeConnectionSettingsDto extends OmitType(ConnectionSettingsDto, ['sandbox'] as const) {}

/** Re-authorization after Zoho revoked the refresh token (or to rotate client credentials). */
export class UpdateZohoCredentialsDto {
  @ApiProperty({ writeOnly: true })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  refreshToken: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  clientId?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  clientSecret?: string;
}

/**
 * New WooCommerce REST keys (the owner revoked or regenerated the old ones), and the store's new
 * address when it moved. Checked against the store before they are kept.
 */
export class UpdateWooCredentialsDto extends OmitType(WooCredentialsDto, ['url', 'webhookSecret'] as const) {
  @ApiPropertyOptional({ example: 'https://shop.example.com', description: "The store's address, when it moved (the same store: its orders keep their records)" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  url?: string;
}

/** A new webhook secret: how long deliveries signed with the old one are still accepted. */
export class RotateWebhookSecretDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1440, default: 60, description: 'Minutes the old secret stays valid (deliveries already signed with it); 0 after a leak' })
  @IsOptional()
  @IsInt({ message: 'graceMinutes must be a whole number of minutes' })
  @Min(0)
  @Max(1440)
  graceMinutes?: number;
}
