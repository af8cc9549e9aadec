import type { Check } from '../../model/result';

/** One canary to send: the token goes into the subject and the X-Mailprobe-Canary header. */
export interface CanaryMessage {
  from: string;
  to: string;
  token: string;
  sentAt: Date;
}

export interface SmtpCredentials {
  password?: string;
  dkimKey?: string;
}

export interface SendResult {
  check: Check;
  /** Set when the relay or SES accepted the message. */
  accepted: boolean;
}
