/**
 * A bordered section of a page, named by its visible title (aria-labelledby), as the audit log
 * and the register of two-person decisions group what they show; and a table's row of column
 * headings.
 */
import { type MantineSpacing, Paper, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export function TitledSection({
  id,
  title,
  mb,
  children,
}: Readonly<{ id: string; title: string; mb?: MantineSpacing; children: ReactNode }>) {
  return (
    <Paper component="section" withBorder p="sm" mb={mb} aria-labelledby={id}>
      <Text id={id} fw={600} mb="xs">
        {title}
      </Text>
      {children}
    </Paper>
  );
}

/** A table's head: one row of column headings. */
export function ColumnHeads({ labels }: Readonly<{ labels: readonly string[] }>) {
  return (
    <Table.Thead>
      <Table.Tr>
        {labels.map((label) => (
          <Table.Th key={label} scope="col">
            {label}
          </Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}
