// The bundled `imagegen` system skill: its files, relative to the skill folder.
export const imagegen: Record<string, string> = {
  "SKILL.md": `---
name: "imagegen"
description: "Create or edit bitmap images (photos, illustrations, sprites, textures, mockups, cut-outs with a transparent background) with OpenAI's image API when a task needs a generated raster asset. Use it to make a new image, change an existing one, or derive variants from reference images. Do not use it when the result is better made as SVG, vector art, an extension of an existing icon set, or drawn directly in HTML/CSS/canvas."
---

# Image generation

Makes or edits raster images for the project at hand: web and game assets, UI or product
mockups, illustrations, photo-like images, diagrams.

## Before generating
- Decide whether a bitmap is really the right output. Logos, icons in an existing set and
  anything the project already draws in code are better edited as code or SVG.
- Settle the size, the format (PNG unless the project uses something else), the background
  (transparent or not) and where the file goes in the repository.

## Generating
- The image API needs \`OPENAI_API_KEY\` and network access; in a sandbox without network, ask
  for it (or ask the user to run the command).
- New image: POST \`https://api.openai.com/v1/images/generations\` with a model such as
  \`gpt-image-1\`, a \`prompt\`, \`size\` and, when needed, \`background: "transparent"\`.
- Edit or variant: POST \`https://api.openai.com/v1/images/edits\` as multipart form data with
  the source image(s) and a prompt describing the change.
- The answer holds base64 in \`data[0].b64_json\`: decode it into the target file
  (for example \`jq -r '.data[0].b64_json' | base64 -d > out.png\`).

## Prompting
Describe the subject, the composition, the style and the lighting in plain sentences; name
what must not appear. For edits, say what stays unchanged.

## After generating
Open the file with view_image to check it, report its path and size, and never overwrite an
existing asset without saying so.
`,
  "agents/openai.yaml": `interface:
  display_name: "Image Gen"
  short_description: "Make or edit images for sites, games and mockups"
  default_prompt: "Use $imagegen to create or edit an image for this project."
`,
};
