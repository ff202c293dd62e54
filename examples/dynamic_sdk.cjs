// Dynamic through its vendor's own SDK, `@dynamic-labs/sdk-api` 0.0.847, pointed at Understudy.
// `basePath` is the printed Dynamic URL as it is (it ends in /api/v0). The trap: on an error the SDK
// throws the raw `Response` (a `ResponseError` carrying it), not a parsed error: read
// `error.response.status` and `await error.response.json()`.
//
//     node examples/dynamic_sdk.cjs http://127.0.0.1:4011/api/v0
const { Configuration, SessionsApi } = require("@dynamic-labs/sdk-api");

const TOKEN = "dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC";
const SESSION_ID = "95b11417-f18f-457f-8804-68e361f9164f";

(async () => {
  const sessions = new SessionsApi(new Configuration({ basePath: process.argv[2], accessToken: TOKEN }));
  const revoked = await sessions.revokeSessionById({ sessionId: SESSION_ID });
  console.log("happy path:", JSON.stringify({ id: revoked.id, revokedAt: revoked.revokedAt }));
  try {
    await sessions.revokeSessionById({ sessionId: "00000000-0000-4000-8000-000000000000" });
    throw new Error("revoking an unknown session should have failed");
  } catch (error) {
    const response = error.response ?? error;
    console.log("error path:", response.status, JSON.stringify(await response.json()));
    if (response.status !== 404) process.exit(1);
  }
})().catch((error) => { console.error(error); process.exit(1); });
