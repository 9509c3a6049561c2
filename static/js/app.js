// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  var lang = document.documentElement.lang;
  var words = lang === "vi" ? { show: "Hiện mật khẩu", hide: "Ẩn mật khẩu" } : { show: "Show password", hide: "Hide password" };

  // A show/hide button under each password field: typing on a phone keyboard is error-prone.
  document.querySelectorAll('input[type="password"]').forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button password-toggle";
    button.textContent = words.show;
    button.setAttribute("aria-controls", input.id);
    button.addEventListener("click", function () {
      var hidden = input.type === "password";
      input.type = hidden ? "text" : "password";
      button.textContent = hidden ? words.hide : words.show;
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
