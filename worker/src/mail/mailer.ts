import nodemailer from 'nodemailer';
import type { WorkerConfig } from '../config.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** SMTP through nodemailer (docs/product.md §6 send-email); one pooled transport per worker process. */
export function createMailer(config: WorkerConfig['mail']): Mailer {
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    async send(mail) {
      const info = await transport.sendMail({ from: config.from, ...mail });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
