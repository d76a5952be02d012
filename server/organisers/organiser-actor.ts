/** Who did something, as the audit trail names an organiser (appeals, signing and dispatch use it). */
export const organiserActor = (organiser: { name: string }) => `Organisator:in ${organiser.name}`;
