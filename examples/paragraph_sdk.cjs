// Paragraph through its vendor's own SDK, `@paragraph-com/sdk` 1.6.0, pointed at Understudy.
// The trap: the SDK has no base-URL option; it creates a private axios instance for
// https://public.api.paragraph.com/api when it loads. Pointing it at Understudy means giving
// `axios.create` the printed Paragraph URL *before* the SDK is required, as below.
//
//     node examples/paragraph_sdk.cjs http://127.0.0.1:4012/api
const axios = require("axios");
const create = axios.create.bind(axios);
axios.create = (config = {}) => create({ ...config, baseURL: process.argv[2] });
const { ParagraphAPI } = require("@paragraph-com/sdk");

const PENDING = "3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35";

(async () => {
  const api = new ParagraphAPI();
  console.log("happy path:", JSON.stringify(await api.auth.deleteSession(PENDING)));
  try {
    await api.auth.deleteSession(PENDING);
    throw new Error("denying it again should have failed");
  } catch (error) {
    const status = error.response?.status;
    console.log("error path:", status, JSON.stringify(error.response?.data));
    if (status !== 404) process.exit(1);
  }
})().catch((error) => { console.error(error); process.exit(1); });
