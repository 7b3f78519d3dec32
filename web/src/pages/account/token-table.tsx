import { Badge, Button, Table } from "@mantine/core";
import type { ApiToken } from "../../api/answers.ts";
import { When } from "../settings/when.tsx";

export type TokenStatus = "active" | "revoked" | "expired";

/** Revoked beats expired: it is what someone did, not what time did. */
export function tokenStatus(token: ApiToken, now = Date.now()): TokenStatus {
  if (token.revoked) return "revoked";
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) return "expired";
  return "active";
}

const STATUS_COLORS: Record<TokenStatus, string> = {
  active: "green",
  revoked: "gray",
  expired: "yellow",
};

/** The user's tokens with their status; active ones can be revoked. */
export function TokenTable({
  tokens,
  onRevoke,
}: {
  tokens: ApiToken[];
  onRevoke(token: ApiToken): void;
}) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover aria-label="API tokens">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => {
            const status = tokenStatus(token);
            return (
              <Table.Tr key={token.id} data-token-id={token.id}>
                <Table.Td>{token.name}</Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[status]} variant="light">
                    {status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <When iso={token.createdAt} />
                </Table.Td>
                <Table.Td>
                  <When iso={token.lastUsedAt} fallback="never" />
                </Table.Td>
                <Table.Td>
                  <When iso={token.expiresAt} fallback="never" />
                </Table.Td>
                <Table.Td>
                  {status === "active" ? (
                    <Button
                      size="xs"
                      variant="default"
                      color="red"
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => onRevoke(token)}
                    >
                      Revoke
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
