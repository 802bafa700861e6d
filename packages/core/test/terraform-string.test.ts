import { Token } from "cdktf";
import { escapeTerraformTemplate, unescapeTerraformTemplate } from "../src/terraform-string";

describe("escapeTerraformTemplate", () => {
  it("escapes interpolation and directive openings in literal text", () => {
    expect(escapeTerraformTemplate("session/${aws:username}-*")).toBe("session/$${aws:username}-*");
    expect(escapeTerraformTemplate("cd ${HOME} %{ if x }")).toBe("cd $${HOME} %%{ if x }");
  });

  it("leaves text without template syntax unchanged", () => {
    expect(escapeTerraformTemplate("cd $HOME && echo 100%")).toBe("cd $HOME && echo 100%");
  });

  it("keeps cdktf token markers so references still resolve", () => {
    const ref = Token.asString({ resolve: () => "x" });
    expect(escapeTerraformTemplate(`${ref}/\${aws:userid}`)).toBe(`${ref}/$\${aws:userid}`);
  });

  it("is undone by unescapeTerraformTemplate", () => {
    const text = "a ${b} %{c} $d";
    expect(unescapeTerraformTemplate(escapeTerraformTemplate(text))).toBe(text);
  });
});
