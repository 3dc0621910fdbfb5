/** `ping`: an empty body, for checking that two nodes reach and trust each other. It changes nothing. */
import { z } from 'zod';
import { defineMessage } from './message-definition.ts';

export const PingBodySchema = z.object({}).strict();
export type PingBody = z.infer<typeof PingBodySchema>;

export const pingMessage = defineMessage<PingBody>({
  type: 'ping',
  bodySchema: PingBodySchema,
  label: {
    ar: 'اختبار اتصال',
    en: 'Connection test',
    es: 'Prueba de conexión',
    fr: 'Test de connexion',
    ru: 'Проверка связи',
    zh: '连接测试',
  },
  receive: async () => undefined,
  onOutcome: () => undefined,
});
