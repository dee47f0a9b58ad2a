import type { Member } from "../api/list-members";

export function fullName(member: Pick<Member, "first_name" | "last_name">): string {
  return `${member.first_name} ${member.last_name}`;
}
