/**
 * The secretariat's register of nodes (GET /api/v1/secretariat/register), read-only: each
 * registered node with its State, authority, address, languages and keys, and whether the latest
 * signed directory carries it as registered now; the latest publication's number and validity.
 * The register is changed on the host with `comity secretariat`, which the screen names.
 */
import { Badge, Code, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { answer, api } from '../../app/api.ts';
import { formatDate, formatInstant, languageName, stateName } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';

const PUBLICATION_COLORS = { published: 'teal.9', changed: 'orange.9', 'not-published': 'gray.7' } as const;

export function RegisterPage() {
  const { t } = useTranslation();
  const register = useApi(() => answer(api.GET('/api/v1/secretariat/register')), []);
  const states = useStates();
  const title = t('register.title');
  const latest = register.data?.latestPublication;
  const nodes = register.data?.nodes ?? [];
  return (
    <Stack gap="md">
      <PageTitle text={title}>{title}</PageTitle>
      <Text size="sm" c="gray.7">
        {t('register.intro')}
      </Text>
      <ProblemAlert error={register.error} />
      {register.data ? (
        <>
          <Paper withBorder p="md" component="section" aria-labelledby="register-publication">
            <Title order={2} size="h4" id="register-publication" mb="xs">
              {t('register.publicationTitle')}
            </Title>
            <Text size="sm" data-testid="register-publication">
              {latest
                ? t('register.publication', {
                    serial: latest.serial,
                    count: latest.nodeCount,
                    issued: formatInstant(latest.issuedAt),
                    expires: formatInstant(latest.expiresAt),
                  })
                : t('register.noPublication')}
            </Text>
          </Paper>
          <Paper withBorder p="md" component="section" aria-labelledby="register-nodes">
            <Title order={2} size="h4" id="register-nodes" mb="xs">
              {t('register.nodesTitle')}
            </Title>
            {nodes.length === 0 ? (
              <Text size="sm" c="gray.7">
                {t('register.empty')}
              </Text>
            ) : (
              <WideTable minWidth={900} label={t('register.nodesTitle')}>
                <Table striped fz="sm" data-testid="register-nodes">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('register.state')}</Table.Th>
                      <Table.Th scope="col">{t('register.node')}</Table.Th>
                      <Table.Th scope="col">{t('register.authority')}</Table.Th>
                      <Table.Th scope="col">{t('register.endpoint')}</Table.Th>
                      <Table.Th scope="col">{t('register.languages')}</Table.Th>
                      <Table.Th scope="col">{t('register.keys')}</Table.Th>
                      <Table.Th scope="col">{t('register.published')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {nodes.map((node) => (
                      <Table.Tr key={node.nodeId} data-node={node.nodeId}>
                        <Table.Td>{stateName(states.data, node.state)}</Table.Td>
                        <Table.Td>
                          <span className="machine-text">{node.nodeId}</span>
                        </Table.Td>
                        <Table.Td>{t(`register.authorityKind.${node.authority}`)}</Table.Td>
                        <Table.Td>
                          <Code className="machine-text">{node.endpoint}</Code>
                        </Table.Td>
                        <Table.Td>
                          {node.acceptedLanguages.map((language) => languageName(language)).join(', ') || '—'}
                        </Table.Td>
                        <Table.Td>
                          <List size="xs" listStyleType="none" spacing={2}>
                            {node.keys.map((key) => (
                              <List.Item key={key.kid}>
                                {t('register.keyValidity', {
                                  use: t(`register.keyUse.${key.use}`),
                                  from: formatDate(key.notBefore),
                                  to: formatDate(key.notAfter),
                                })}
                              </List.Item>
                            ))}
                          </List>
                        </Table.Td>
                        <Table.Td>
                          <Badge
                            color={PUBLICATION_COLORS[node.publication]}
                            variant="outline"
                            style={{ minWidth: 'max-content' }}
                          >
                            {t(`register.publicationState.${node.publication}`)}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </WideTable>
            )}
          </Paper>
        </>
      ) : null}
      <Text size="sm" c="gray.7">
        {t('register.howToChange')}
      </Text>
    </Stack>
  );
}
