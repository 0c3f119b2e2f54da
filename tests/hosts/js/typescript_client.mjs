// A TypeScript-SDK host against mcp-assistant-files, over every transport it is given.
//
//   node typescript_client.mjs CONFIG.json
//
// CONFIG: {"transports": {"stdio": {"command", "args", "env", "samples"}, "streamable-http": {"url", "samples"},
//          "sse": {"url", "samples"}}, "expected": N, "pageLimit": N}
// where "samples" maps an argument name to the value to send (that server's assistant, file ...).
//
// For each transport, with whatever tools tools/list returns:
// - Ajv (JSON Schema 2020-12, strict) compiles every inputSchema and outputSchema;
// - every tool with a `cursor` argument is walked from its first page to the end, following
//   next_cursor; the items must number `expected`, each seen once;
// - every tool is called once with its required arguments (from the samples), in listed order;
// - every argument object sent is valid against the tool's inputSchema, every result against its
//   outputSchema, and its text block is the same JSON as its structuredContent;
// - an invalid cursor and an unknown argument are each refused with one sentence (isError);
// - each listing's first page has one resource_link per item, and the first link reads (resources/read)
//   as that item's JSON; every resource template's file_id completes (completion/complete) to at
//   most 100 ids, with hasMore when it stopped there.
// Prints one line per check, then a JSON summary line; exits 1 if anything failed.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const MAX_PAGES = 1000;
const failures = [];
const summary = { transports: {}, failures };

function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
  return ok;
}

function makeTransport(name, spec) {
  if (name === "stdio") {
    return new StdioClientTransport({ command: spec.command, args: spec.args, env: spec.env, stderr: "ignore" });
  }
  if (name === "sse") return new SSEClientTransport(new URL(spec.url));
  return new StreamableHTTPClientTransport(new URL(spec.url));
}

function oneSentence(text) {
  return (
    typeof text === "string" &&
    text.length > 0 &&
    !text.includes("\n") &&
    /[.!?]$/.test(text) &&
    !/[.!?]\s+[A-Z]/.test(text) &&
    !text.startsWith("Error executing tool")
  );
}

function textOf(result) {
  return (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join(" ");
}

function arrayProperty(outputSchema) {
  const properties = outputSchema?.properties ?? {};
  return Object.keys(properties).find((key) => properties[key].type === "array");
}

async function listAllTools(client) {
  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

async function exercise(name, spec) {
  const report = {
    tools: 0,
    schemasCompiled: 0,
    argumentsValidated: 0,
    resultsValidated: 0,
    walks: {},
    errors: {},
    linksChecked: 0,
    linksRead: 0,
    templates: 0,
    completions: {},
  };
  summary.transports[name] = report;
  const client = new Client({ name: "mcp-assistant-files-ts-host", version: "1.0.0" });
  await client.connect(makeTransport(name, spec));
  try {
    const tools = await listAllTools(client);
    report.tools = tools.length;
    check(tools.length > 0, `${name}: tools/list returned ${tools.length} tools`);
    const validators = {};
    for (const tool of tools) {
      validators[tool.name] = {};
      for (const key of ["inputSchema", "outputSchema"]) {
        if (!tool[key]) continue;
        const ajv = new Ajv2020({ strict: true, allErrors: true });
        addFormats(ajv);
        try {
          validators[tool.name][key] = ajv.compile(tool[key]);
          report.schemasCompiled++;
          check(true, `${name}: ${tool.name}.${key} compiles (Ajv 2020-12, strict)`);
        } catch (err) {
          check(false, `${name}: ${tool.name}.${key} does not compile: ${err.message}`);
        }
      }
    }

    const argumentsFor = (tool, extra = {}) => {
      const args = {};
      for (const required of tool.inputSchema.required ?? []) {
        if (!(required in spec.samples)) throw new Error(`no sample value for ${tool.name}'s ${required}`);
        args[required] = spec.samples[required];
      }
      return { ...args, ...extra };
    };
    const call = async (tool, args, { validateArguments = true } = {}) => {
      const validateInput = validators[tool.name].inputSchema;
      if (validateArguments && validateInput) {
        const valid = validateInput(args);
        report.argumentsValidated++;
        if (!valid) check(false, `${name}: ${tool.name} arguments ${JSON.stringify(args)} invalid: ${JSON.stringify(validateInput.errors)}`);
      }
      return client.callTool({ name: tool.name, arguments: args });
    };
    const checkResult = (tool, result, what) => {
      if (!check(!result.isError, `${name}: ${what} succeeds`)) {
        console.log(`     ${textOf(result)}`);
        return false;
      }
      const validateOutput = validators[tool.name].outputSchema;
      if (validateOutput) {
        const valid = validateOutput(result.structuredContent);
        report.resultsValidated++;
        if (!valid) check(false, `${name}: ${what} result invalid: ${JSON.stringify(validateOutput.errors)}`);
      }
      let same = false;
      try {
        same = JSON.stringify(JSON.parse(textOf(result))) === JSON.stringify(result.structuredContent);
      } catch {
        same = false;
      }
      if (!same) check(false, `${name}: ${what} text block is not its structuredContent`);
      return true;
    };

    const listing = tools.filter((tool) => "cursor" in (tool.inputSchema.properties ?? {}));
    for (const tool of listing) {
      const items = arrayProperty(tool.outputSchema);
      const seen = [];
      let cursor;
      let pages = 0;
      let healthy = true;
      do {
        const extra = "limit" in tool.inputSchema.properties ? { limit: config.pageLimit } : {};
        const result = await call(tool, argumentsFor(tool, cursor ? { ...extra, cursor } : extra));
        pages++;
        healthy = checkResult(tool, result, `${tool.name} page ${pages}`);
        if (!healthy) break;
        const listed = result.structuredContent[items];
        seen.push(...listed.map((item) => item.id ?? JSON.stringify(item)));
        const links = (result.content ?? []).filter((c) => c.type === "resource_link");
        if (pages === 1 && links.length > 0) {
          check(
            JSON.stringify(links.map((link) => link.name)) === JSON.stringify(listed.map((item) => item.id)),
            `${name}: ${tool.name} links each listed item (${links.length} resource_link blocks)`,
          );
          report.linksChecked += links.length;
          const read = await client.readResource({ uri: links[0].uri });
          const [contents] = read.contents;
          check(
            contents.mimeType === "application/json" && JSON.stringify(JSON.parse(contents.text)) === JSON.stringify(listed[0]),
            `${name}: ${tool.name}'s first link reads as the listed item (${links[0].uri})`,
          );
          report.linksRead++;
        }
        cursor = result.structuredContent.next_cursor;
      } while (cursor && pages < MAX_PAGES);
      report.walks[tool.name] = { items: seen.length, unique: new Set(seen).size, pages };
      const expected = typeof config.expected === "number" ? config.expected : config.expected[tool.name];
      check(
        healthy && seen.length === expected && new Set(seen).size === expected,
        `${name}: walking ${tool.name} by cursor visits ${seen.length} items (${new Set(seen).size} distinct, ` +
          `${pages} pages), expected ${expected}`,
      );

      const garbage = "not-a-cursor-this-server-issued";
      const refused = await call(tool, argumentsFor(tool, { cursor: garbage }));
      report.errors[`${tool.name} invalid cursor`] = textOf(refused);
      check(refused.isError === true, `${name}: ${tool.name} refuses an invalid cursor (isError)`);
      check(oneSentence(textOf(refused)), `${name}: ${tool.name} says so in one sentence: ${textOf(refused)}`);
    }

    for (const tool of tools) {
      const result = await call(tool, argumentsFor(tool));
      checkResult(tool, result, `${tool.name} with its required arguments`);
      const refused = await call(tool, argumentsFor(tool, { unknown_argument: 1 }), { validateArguments: false });
      const text = textOf(refused);
      report.errors[`${tool.name} unknown argument`] = text;
      check(refused.isError === true, `${name}: ${tool.name} refuses an unknown argument (isError)`);
      check(
        oneSentence(text) && text.includes("unknown_argument"),
        `${name}: ${tool.name} names it in one sentence: ${text}`,
      );
    }

    const { resourceTemplates } = await client.listResourceTemplates();
    report.templates = resourceTemplates.length;
    check(resourceTemplates.length === 3, `${name}: resources/templates/list returned ${resourceTemplates.length} templates`);
    for (const template of resourceTemplates) {
      const { completion } = await client.complete({
        ref: { type: "ref/resource", uri: template.uriTemplate },
        argument: { name: "file_id", value: "" },
        context: { arguments: { assistant_id: spec.samples.assistant_id, vector_store_id: spec.samples.vector_store_id } },
      });
      report.completions[template.name] = { values: completion.values.length, hasMore: completion.hasMore ?? false };
      check(
        completion.values.length > 0 && completion.values.length <= 100 && (completion.values.length < 100 || completion.hasMore === true),
        `${name}: ${template.name}'s file_id completes to ${completion.values.length} ids (hasMore ${completion.hasMore})`,
      );
    }
  } catch (err) {
    check(false, `${name}: ${err.stack ?? err}`);
  } finally {
    await client.close();
  }
}

for (const [name, spec] of Object.entries(config.transports)) {
  await exercise(name, spec);
}
console.log(JSON.stringify(summary));
process.exit(failures.length ? 1 : 0);
