/**
 * What the editor starts with on the new-workflow page: a small workflow that saves and runs
 * as it is (a test checks it against the server's own validation), with comments that say
 * what each part is for.
 */
export const STARTER_DEFINITION = `# A workflow: its name, what starts it, and its steps.
# The format is in docs/workflows.md; the API is at /api/docs.
name: my-first-workflow # lowercase letters, digits, . _ -; unique
description: Greet whoever starts it, then log the greeting
tags: [example]
triggers:
  # Started by hand: the Run button, or POST /api/v1/workflows/NAME/runs.
  - type: manual
steps:
  # A transform builds a value with a JSONata expression over the run's input.
  - id: greet
    type: transform
    with:
      expression: '{ "greeting": "Hello, " & (trigger.input.name ? trigger.input.name : "world") }'
  # A log step writes into the run's timeline; needs makes it wait for greet.
  - id: say
    type: log
    needs: [greet]
    with:
      message: "{{ steps.greet.output.greeting }}"
`;
