/**
 * Settings for a server whose every client comes from one loopback address (load tests, the bench,
 * the test suites): the per-address limits that guard the internet would refuse the rig itself.
 */
export const ONE_ADDRESS_RIG_ENV = {
  MAX_SOCKETS_PER_ADDRESS: "100000",
  HTTP_CONNECTIONS_PER_ADDRESS: "100000",
  MATCHMAKE_PER_ADDRESS_PER_S: "100000",
  ROOMS_PER_ADDRESS: "100000",
  ROOMS_PER_IDENTITY: "100000",
  CHAT_CHANNELS_PER_ADDRESS: "100000",
  UNACKED_SOCKETS_PER_ADDRESS: "100000",
  SEAT_RESERVATIONS_PER_ADDRESS: "100000",
} as const;
